/** The fault matrix (tests/faults/matrix.ts) for asteroid:AgentProfilePool. */
import { matrix } from "./matrix";
import { pool } from "./subjects";

matrix(pool);
