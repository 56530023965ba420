/**
 * The one typed bridge between the UI and the service worker: request/response over a MessageChannel
 * with a timeout, and a listener for the SW's broadcasts (BroadcastChannel, reaching every open page).
 */
import {
  BROADCAST_CHANNEL,
  isBroadcast,
  type Broadcast,
  type Command,
  type CommandReplies,
  type CommandType,
  type ReplyEnvelope,
  type RequestEnvelope,
} from '../shared/messages';
import type { Problem } from '../shared/problems';
import { startupMark } from '../shared/timing';

/** The SW did not answer in time, is missing (no service worker support, development server), or failed. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(readonly problem: Problem) {
    super(problem.code);
  }
}

/** The problem to show for a failed command: the bridge's own, or an unexpected one. */
export function bridgeProblemOf(err: unknown): Problem {
  return err instanceof BridgeError
    ? err.problem
    : { code: 'internal', detail: err instanceof Error ? err.message : String(err) };
}

/** Default time a command may take before it counts as unanswered. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Commands that wait for the network (token, store list) get longer. */
const SLOW_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>(['sign-in', 'choose-store']);
const SLOW_TIMEOUT_MS = 120_000;

/**
 * The worker a command goes to: the waiting one for `skip-waiting` (only it can skip waiting), else the active
 * one. A page the active worker controls has it at once: `serviceWorker.ready` took 35-115 ms to resolve in a
 * freshly launched browser, on the way of the first screen's commands.
 */
async function workerFor(type: CommandType): Promise<ServiceWorker | null> {
  const { controller } = navigator.serviceWorker;
  if (type !== 'skip-waiting' && controller?.state === 'activated') return controller;
  const registration = await navigator.serviceWorker.ready;
  return type === 'skip-waiting' ? registration.waiting : registration.active;
}

/** Sends `command` to the active service worker and resolves with its typed reply. */
export async function send<T extends CommandType>(
  command: Extract<Command, { type: T }>,
  timeoutMs?: number,
): Promise<CommandReplies[T]> {
  if (!('serviceWorker' in navigator)) throw new BridgeError({ code: 'bridge.no-service-worker' });
  startupMark(`page-${command.type}-sent`);
  const worker = await workerFor(command.type);
  startupMark('page-sw-ready');
  if (worker === null)
    throw new BridgeError({ code: 'bridge.not-ready', waiting: command.type === 'skip-waiting' });
  const limit =
    timeoutMs ?? (SLOW_COMMANDS.has(command.type) ? SLOW_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
  const channel = new MessageChannel();
  const envelope: RequestEnvelope = { id: crypto.randomUUID(), command };
  return new Promise<CommandReplies[T]>((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(
        new BridgeError({ code: 'bridge.timeout', command: command.type, seconds: limit / 1000 }),
      );
    }, limit);
    channel.port1.onmessage = (event: MessageEvent<ReplyEnvelope<T>>) => {
      clearTimeout(timer);
      channel.port1.close();
      const reply = event.data;
      startupMark(`page-${command.type}-replied`);
      if (reply.ok) resolve(reply.result);
      else reject(new BridgeError(reply.problem));
    };
    worker.postMessage(envelope, [channel.port2]);
  });
}

/** Calls `listener` with every broadcast of the SW; returns the unsubscribe function. */
export function onBroadcast(listener: (message: Broadcast) => void): () => void {
  const channel = new BroadcastChannel(BROADCAST_CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (isBroadcast(event.data)) listener(event.data);
  };
  return () => channel.close();
}
