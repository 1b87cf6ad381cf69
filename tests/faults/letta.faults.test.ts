/** The fault matrix (tests/faults/matrix.ts) for letta:Agent. */
import { matrix } from "./matrix";
import { lettaAgent } from "./subjects";

matrix(lettaAgent);
