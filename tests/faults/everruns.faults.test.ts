/** The fault matrix (tests/faults/matrix.ts) for everruns:Agent. */
import { matrix } from "./matrix";
import { everrunsAgent } from "./subjects";

matrix(everrunsAgent);
