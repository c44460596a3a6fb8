// Preferences that outlive a reload: the current project (Forge's default) and the last view's state.
import { load, save } from "./storage";

class Prefs {
  projectId = $state<string | null>(load<string | null>("project", null));
  projectName = $state<string | null>(load<string | null>("project-name", null));

  setProject(id: string | null, name: string | null): void {
    this.projectId = id;
    this.projectName = name;
    save("project", id);
    save("project-name", name);
  }
}

export const prefs = new Prefs();
