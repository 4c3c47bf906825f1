// js-yaml 4 ships without types; only what yaml.ts (and the import tests, `dump`) use is declared. js-yaml 4 is in
// node_modules as a dependency of eslint only: package.json should list it as a dependency of Toolflow's own.
declare module "js-yaml" {
  export interface Type {
    readonly tag: string;
  }
  export interface Schema {
    extend(types: { implicit?: Type[]; explicit?: Type[] } | Type[]): Schema;
  }
  export const CORE_SCHEMA: Schema;
  export const types: { merge: Type };
  export interface Mark {
    line: number;
    column: number;
  }
  export class YAMLException extends Error {
    reason: string;
    mark?: Mark;
  }
  export function dump(value: unknown, options?: { noRefs?: boolean; lineWidth?: number }): string;
  export function load(text: string, options?: { schema?: Schema; json?: boolean; maxDepth?: number; filename?: string }): unknown;
}
