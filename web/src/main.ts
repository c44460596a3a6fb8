// Entry point: theme first (no flash), then the shell.
import "./styles/tokens.css";
import "./styles/base.css";
import { mount } from "svelte";
import { config as zodConfig } from "zod";
import App from "./App.svelte";
import "./lib/theme.svelte";

// The core's schemas come along with the analyzer; zod's JIT probes `new Function`, which the
// server's CSP (no 'unsafe-eval') reports as a violation. Interpreted validation is plenty here.
zodConfig({ jitless: true });

mount(App, { target: document.getElementById("app")! });
