import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { WorkType as DomainWorkType } from '../../visma/model';
import type { GatewayContext } from '../context';
import { RotRutType } from '../enums/rot-rut-type.enum';
import { WorkType } from '../types/work-type.type';

@Resolver(() => WorkType)
export class WorkTypeResolver {
  @FieldResolver(() => RotRutType, { nullable: true, description: 'Which deduction the work qualifies for.' })
  rutRotType(@Root() workType: DomainWorkType, @Ctx() context: GatewayContext): RotRutType | null {
    return context.enums.degrade('RotRutType', RotRutType, workType.rutRotType);
  }
}
