import { FieldResolver, Resolver, Root } from 'type-graphql';
import { County } from '../types/county.type';
import { Location } from '../types/location.type';
import { ProjectTask } from '../types/project-task.type';

/** What the three types below are read from: Visma's `{ id, ... }`. */
interface Coded {
  id: string | null;
}

/**
 * Visma's codes that are unique only within their owner (a customer's location, a project's task,
 * a country's county), under a name other than `id`: a client cache keys an object by `id` when it
 * has one, and these are parts of their invoice or line, not objects of their own. `id` stays,
 * deprecated, for the clients that read it (docs/api.md, "Global ids and client caches").
 */
@Resolver(() => Location)
export class LocationCodeResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'The location\'s ID within its customer, such as "MAIN" (what createInvoice takes as locationId).',
  })
  code(@Root() location: Coded): string | null {
    return location.id;
  }
}

@Resolver(() => ProjectTask)
export class ProjectTaskCodeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The task ID within its project, shown to users.' })
  code(@Root() task: Coded): string | null {
    return task.id;
  }
}

@Resolver(() => County)
export class CountyCodeResolver {
  @FieldResolver(() => String, { nullable: true, description: "The county's code within its country." })
  code(@Root() county: Coded): string | null {
    return county.id;
  }
}
