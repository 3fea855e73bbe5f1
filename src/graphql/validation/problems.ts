import { badUserInput, type InputProblem } from '../errors';

/** Collects every problem in an input so one answer lists them all, then throws once. */
export class Problems {
  private readonly list: InputProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Throws a BAD_USER_INPUT GraphQLError when anything was added. */
  throwIfAny(): void {
    if (this.list.length > 0) {
      throw badUserInput(this.list);
    }
  }
}
