/**
 * docs/platform.svg: the picture of the platform (nodes, Volcano queues,
 * team quotas) that the README shows, drawn from the model on every build so
 * that it can never disagree with platform.yaml and teams/.
 */
import { PLATFORM_FILE, TEAMS_DIR } from "../../load/inputs.js";
import type { PlatformModel } from "../../model/platform-model.js";
import { svg } from "../../picture/svg.js";
import type { OutputFile } from "../object.js";

export const PICTURE_FILE = "docs/platform.svg";

export function pictureFile(model: PlatformModel): OutputFile {
  // teams/ as a folder: the picture is every team's, so a review counts it for none of them.
  return { path: PICTURE_FILE, sources: [PLATFORM_FILE, `${TEAMS_DIR}/`], documents: [], text: svg(model) };
}
