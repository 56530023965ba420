/** Which screen the shell shows: the main screen (sign-in or gallery) or settings. */
import { signal } from '@preact/signals';

/** The current screen. */
export const view = signal<'main' | 'settings'>('main');
