/**
 * Runs once per workflow thread, as the SDK sets up the sandbox and before it freezes the sandbox's
 * globals (the bundle's `preloadModules`, scripts/workflow-bundle.ts).
 *
 * The SDK keeps where every workflow promise was made, for the stack trace query, by taking a stack
 * trace of each and source-mapping every frame. Five frames instead of ten: 0.91 of the workflow
 * thread's CPU on replay (npm run bench:replay). A promise our code makes still names its line; one
 * the SDK makes for an activity or a timer now ends inside the SDK's own frames (the workflow's state
 * queries say where it waits), and an error raised in a workflow keeps five frames.
 */
Error.stackTraceLimit = 5;

export {};
