// Entry point: theme first (no flash), then the shell.
import "./styles/tokens.css";
import "./styles/base.css";
import { mount } from "svelte";
import App from "./App.svelte";
import "./lib/theme.svelte";

mount(App, { target: document.getElementById("app")! });
