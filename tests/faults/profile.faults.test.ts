/** The fault matrix (tests/faults/matrix.ts) for asteroid:AgentProfile. */
import { matrix } from "./matrix";
import { profile } from "./subjects";

matrix(profile);
