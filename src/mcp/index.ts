/** The MCP endpoint (docs/mcp.md): what src/server/create-server.ts mounts. */
export { MCP_PATH, mcpEndpoint, type McpEndpointDeps } from './mcp-endpoint';
export { buildTools, toolNameOf, type OperationTool, type ToolSet } from './tools';
