import { Field, ObjectType } from 'type-graphql';

/** `rutRotType` is added by `WorkTypeResolver`, which maps Visma's spelling onto `RotRutType`. */
@ObjectType({ description: 'The Swedish ROT/RUT type of work a line is for.' })
export class WorkType {
  @Field(() => String, { nullable: true, description: 'What the work is.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The element name used in the tax-agency report.' })
  xmlTag!: string | null;
}
