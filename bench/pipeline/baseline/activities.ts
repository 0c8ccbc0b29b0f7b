/** The baseline's one activity: records when it ran (Date.now()) and reports it to the bench. */
export interface BaselineActivities {
  noop(key: string): Promise<void>;
}

export function createBaselineActivities(record: (key: string, atMs: number) => void): BaselineActivities {
  return {
    async noop(key: string) {
      record(key, Date.now());
    },
  };
}
