import { Migration } from '@mikro-orm/migrations';

/**
 * flow_runs.steps: how many steps of its run a row has recorded. A flow run's step write (its
 * status, current node and the funnel counters) applies only when it is the next step, so a local
 * activity that runs again after a crash counts nothing twice.
 */
export class Migration20261203113000_flow_run_steps extends Migration {

  override name = 'Migration20261203113000_flow_run_steps';

  override up(): void | Promise<void> {
    this.addSql(`alter table "flow_runs" add "steps" int not null default 0;`);
  }

}
