import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A file attached to an invoice or a line.' })
export class Attachment {
  @Field(() => String, { nullable: true, description: "The attachment's ID (a UUID)." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'The file name.' })
  name!: string | null;

  @Field(() => Int, { nullable: true, description: "The file's revision number." })
  revision!: number | null;
}
