/**
 * Thrown for a stack or program the plan cannot read; the CLI turns it into exit status 2. Its own
 * module, so that the analysis worker gets it without the config readers' YAML parser.
 */
export class PlanInputError extends Error {}
