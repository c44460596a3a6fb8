// Toasts: short messages with an optional action link; errors stay until dismissed.
export interface Toast {
  id: number;
  kind: "info" | "success" | "error";
  message: string;
  code?: string;
  action?: { label: string; href: string };
}

class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;

  push(toast: Omit<Toast, "id">, timeoutMs = toast.kind === "error" ? 0 : 6000): number {
    const id = this.next++;
    this.items = [...this.items, { ...toast, id }].slice(-5);
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
