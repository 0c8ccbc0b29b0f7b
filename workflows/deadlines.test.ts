import { nextDeadline } from './deadlines';

describe('nextDeadline', () => {
  it('is the idle deadline when no SLA runs', () => {
    expect(nextDeadline({ sla: null, idleAt: 5000 })).toEqual({ kind: 'idle', at: 5000 });
  });

  it('is the SLA when it comes before going idle', () => {
    expect(nextDeadline({ sla: { deadline: 3000 }, idleAt: 5000 })).toEqual({ kind: 'sla', at: 3000 });
  });

  it('is going idle when that comes first, even with an SLA running', () => {
    expect(nextDeadline({ sla: { deadline: 9000 }, idleAt: 5000 })).toEqual({ kind: 'idle', at: 5000 });
  });
});
