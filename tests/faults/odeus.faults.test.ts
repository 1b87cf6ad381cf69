/** The fault matrix (tests/faults/matrix.ts) for odeus:Agent. */
import { matrix } from "./matrix";
import { odeusAgent } from "./subjects";

matrix(odeusAgent);
