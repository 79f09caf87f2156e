/** Helpers for notebooks: the display, progress, and the plot module's show/showTable. */
export { notebookDisplay, updatingDisplay, NotebookDisplay } from '../plot/display';
export { progressDisplay, Progress } from './progress';
export { show, showTable } from '../plot';
