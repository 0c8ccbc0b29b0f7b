import { TSMigrationGenerator } from '@mikro-orm/migrations';

/**
 * Writes generated migrations forward only, like the hand-written ones: Parley's migrator only
 * runs `up`, and a generated `down` cannot see the hand-written triggers and functions (the
 * schema diff leaves them alone), so it would recreate them as empty stubs.
 */
export class ForwardMigrationGenerator extends TSMigrationGenerator {
  override generateMigrationFile(className: string, diff: { up: string[]; down: string[] }): string {
    const file = super.generateMigrationFile(className, { up: diff.up, down: [] });
    return file.replace(`export class ${className}`, `/** Generated from the entities by \`npm run migration:create\`. */\nexport class ${className}`);
  }
}
