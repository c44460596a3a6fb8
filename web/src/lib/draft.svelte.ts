// Hand-off into Forge from other views ("forge this prompt", "iterate", "open in Forge"): put the
// text and its links here, then `navigate("/")`. Forge takes the hand-off once, on mount.
export interface ForgeHandoff {
  prompt: string;
  title?: string;
  projectId?: string;
  /** A project prompt: the forge result is linked to it. */
  promptId?: string;
  strategy?: string;
  tags?: string[];
  /** The record this one continues (shown as "iterating on …"). */
  fromId?: string;
}

class Handoff {
  pending = $state<ForgeHandoff | null>(null);

  send(h: ForgeHandoff): void {
    this.pending = h;
  }

  take(): ForgeHandoff | null {
    const h = this.pending;
    this.pending = null;
    return h;
  }
}

export const forgeHandoff = new Handoff();
