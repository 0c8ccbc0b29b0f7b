/**
 * Runs once per workflow thread, as the SDK sets up the sandbox and before it freezes the sandbox's
 * globals (the bundle's `preloadModules`, scripts/workflow-bundle.ts).
 *
 * The SDK keeps where every workflow promise was made, for the stack trace query, by taking a stack
 * trace of each and source-mapping every frame. Five frames instead of ten: 0.91 of the workflow
 * thread's CPU on replay (npm run bench:replay); they still reach from the SDK call to the workflow
 * line that made the promise, and an error raised in a workflow keeps five frames too.
 */
Error.stackTraceLimit = 5;

export {};
