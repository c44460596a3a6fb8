// Dark and light themes from CSS variables: follows the system unless the user picks one.
import { load, save } from "./storage";

export type ThemeChoice = "system" | "light" | "dark";

class Theme {
  choice = $state<ThemeChoice>(load<ThemeChoice>("theme", "system"));
  private systemDark = $state(false);

  constructor() {
    if (typeof window === "undefined") return;
    const mq = window.matchMedia("(prefers-color-scheme: dark)");
    this.systemDark = mq.matches;
    mq.addEventListener("change", (e) => {
      this.systemDark = e.matches;
      this.apply();
    });
    this.apply();
  }

  get effective(): "light" | "dark" {
    return this.choice === "system" ? (this.systemDark ? "dark" : "light") : this.choice;
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    save("theme", choice);
    this.apply();
  }

  /** Light → dark → system → light. */
  toggle(): void {
    this.set(this.effective === "dark" ? "light" : "dark");
  }

  private apply(): void {
    document.documentElement.dataset.theme = this.effective;
  }
}

export const theme = new Theme();
