// Entry point: zod without eval first, the theme (no flash), then the shell.
import "./lib/zod-jitless";
import "./styles/tokens.css";
import "./styles/base.css";
import { mount } from "svelte";
import App from "./App.svelte";
import "./lib/theme.svelte";

mount(App, { target: document.getElementById("app")! });
