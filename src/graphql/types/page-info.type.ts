import { Directive, Field, ObjectType } from 'type-graphql';

// Relay's PageInfo is defined by most subgraphs that page; identical definitions may be shared.
@Directive('@shareable')
@ObjectType({ description: 'Where a page sits in the whole list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page; ask again with after: endCursor.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when items come before this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first item on the page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item on the page; null when the page is empty.' })
  endCursor!: string | null;
}
