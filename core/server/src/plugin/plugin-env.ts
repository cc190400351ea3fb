import type { PassmintPlugin } from './plugin';

/** Every problem with the plugins' variables, worded like the server's own. */
export function pluginEnvProblems(plugins: readonly PassmintPlugin[], source: NodeJS.ProcessEnv): string[] {
  return plugins.flatMap((plugin) => {
    const result = plugin.env.safeParse(source);
    const issues = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    return [...issues, ...(plugin.envProblems?.(source) ?? [])];
  });
}

/** A plugin's variables, once `readEnv` has checked them. */
export function pluginEnv<Env>(plugin: PassmintPlugin<Env>, source: NodeJS.ProcessEnv): Env {
  return plugin.env.parse(source);
}
