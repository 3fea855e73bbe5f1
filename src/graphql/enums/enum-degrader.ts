import { UNKNOWN_VALUE } from './unknown-value';

export interface EnumWarningLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Maps a Visma value of a closed set onto its GraphQL enum. A value this code does not know
 * (Visma adds members over time) becomes `UNKNOWN` instead of failing the whole query with
 * "Enum cannot represent value", and is logged once per enum and value so the gap is noticed
 * without flooding the log on every list item. One degrader lives as long as its server.
 */
export class EnumDegrader {
  private readonly warned = new Set<string>();
  private readonly knownValues = new WeakMap<object, ReadonlySet<string>>();

  constructor(private readonly logger: EnumWarningLogger) {}

  degrade<E extends string>(enumName: string, enumObject: Record<string, E>, value: string | null): E | null {
    if (value === null) {
      return null;
    }
    if (this.valuesOf(enumObject).has(value)) {
      return value as E;
    }
    const key = `${enumName}\u0000${value}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.logger.warn(
        { enum: enumName, value },
        `Visma sent a value of ${enumName} this gateway does not know; it is reported as UNKNOWN`,
      );
    }
    return UNKNOWN_VALUE as E;
  }

  private valuesOf(enumObject: Record<string, string>): ReadonlySet<string> {
    let values = this.knownValues.get(enumObject);
    if (values === undefined) {
      values = new Set(Object.values(enumObject).filter((value) => value !== UNKNOWN_VALUE));
      this.knownValues.set(enumObject, values);
    }
    return values;
  }
}
