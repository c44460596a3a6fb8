// The command palette's registry. The shell registers navigation; views register their actions
// while mounted (`$effect(() => registerCommands([...]))` unregisters on unmount).
export interface Command {
  id: string;
  title: string;
  group: string;
  /** Shown in the palette and the help overlay, e.g. "Ctrl+Enter". */
  shortcut?: string;
  run: () => void;
}

import { untrack } from "svelte";

class Commands {
  list = $state.raw<Command[]>([]);

  register(commands: Command[]): () => void {
    // Called from effects: reading the list must not make the caller depend on it.
    const ids = new Set(commands.map((c) => c.id));
    untrack(() => {
      this.list = [...this.list.filter((c) => !ids.has(c.id)), ...commands];
    });
    return () =>
      untrack(() => {
        this.list = this.list.filter((c) => !commands.includes(c));
      });
  }
}

export const commands = new Commands();
export const registerCommands = (list: Command[]) => commands.register(list);

/** "Ctrl" on Linux/Windows, "⌘" on macOS. */
export const MOD = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl";
