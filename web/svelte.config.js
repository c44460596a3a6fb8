// Read by svelte-check (vite.config.ts passes the same options to the plugin).
export default { compilerOptions: { runes: true } };
