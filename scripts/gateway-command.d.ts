/** Types of scripts/gateway-command.js, for the tests that start the gateway through it. */
export declare const SHIPPED_ARGS: readonly ['--snapshot-blob', string];
export declare function gatewayArgs(nodeOptions?: string): string[];
