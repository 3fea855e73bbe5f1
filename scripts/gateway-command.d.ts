/** Types of scripts/gateway-command.js, for the tests that start the gateway through it. */
export declare const SHIPPED_ARGS: readonly ['--snapshot-blob', string];
export declare const SHIPPED_ENV: Readonly<Record<string, string>>;
export declare function gatewayArgs(nodeOptions?: string): string[];
