/** Events pushed by timers and finished tasks, taken one at a time by the scheduler loop (FIFO). */
export class EventQueue<E> {
  private readonly items: E[] = [];
  private waiter: ((event: E) => void) | undefined;

  push(event: E): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(event);
    } else {
      this.items.push(event);
    }
  }

  take(): Promise<E> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as E);
    return new Promise((resolve) => { this.waiter = resolve; });
  }
}
