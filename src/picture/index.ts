/** Pictures of the platform drawn from its model: a Mermaid diagram for the pull request and an SVG for docs/. */
export { mermaid, MAX_TEAMS, type ChangeState } from "./mermaid.js";
export { svg, MAX_QUEUE_ROWS } from "./svg.js";
export { platformPicture, type PlatformPicture, type NodeGroup, type QueuePicture, type TeamPicture } from "./layout.js";
