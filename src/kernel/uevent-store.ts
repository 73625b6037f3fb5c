// Writing a device's `uevent` (mode 0644, drivers/base/core.c uevent_store): `echo change >
// /sys/bus/platform/devices/<device>/uevent` asks the kernel to send a synthetic uevent with
// that action, as `udevadm trigger` does. dmasim checks the text as each kernel does and logs
// what Linux logs; the event itself goes to netlink listeners (udev), which dmasim has none of,
// and Linux logs nothing for a sent one, so a good write leaves no trace but its result.
//
// 4.9 (lib/kobject_uevent.c kobject_action_type): the whole text, one trailing newline or NUL
// dropped, must be one of add, remove, change, move, online, offline; anything else is logged,
// dev_err "uevent: unknown action-string", and the write still succeeds (the store returns
// count).
// 6.x (kobject_synth_uevent, since 4.13; bind and unbind since 4.14): the action is the first
// word; after a space come a UUID and then " KEY=value" pairs of letters and digits, sent as
// SYNTH_UUID and SYNTH_ARG_KEY (without them SYNTH_UUID=0). A bad action or argument fails the
// write with -EINVAL and dev_err "uevent: failed to send synthetic uevent: -22" (the errno
// printed since 6.1). kobject_synth_uevent's own pr_warn names the device by its
// /sys/devices path, which dmasim does not model: the KernelError carries its words instead.
// The uevent's size limits (UEVENT_BUFFER_SIZE, UEVENT_NUM_ENVP, shared with the device's own
// variables) are not modelled.

import type { Kernel } from "./kernel.js";
import type { PlatformDevice } from "./device.js";
import { KernelError, EINVAL } from "./errno.js";
import { dev_err } from "./dev-printk.js";
import { kernfs_write } from "./kernfs-write.js";

/** kobject_actions[]: 4.9's, and 6.x's with KOBJ_BIND and KOBJ_UNBIND. */
const ACTIONS_4_9 = ["add", "remove", "change", "move", "online", "offline"];
const ACTIONS_MODERN = [...ACTIONS_4_9, "bind", "unbind"];

/** uuid_is_valid: 8-4-4-4-12 hex digits. */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID_STRING_LEN = 36;

/** action_arg_word_end's isalnum: one or more ASCII letters or digits. Any other UTF-8
 *  character has a byte 0x80-0xbf, which the kernel's ctype table calls no letter. */
const WORD = /^[A-Za-z0-9]+$/;

/** The text with one trailing newline or NUL dropped, as both kernels' parsers drop it. */
function chomp(text: string): string {
  return /[\n\0]$/.test(text) ? text.slice(0, -1) : text;
}

/** kobject_action_args: why the arguments after the action are not a UUID and KEY=value
 *  pairs, or undefined when they are. */
function badArguments(args: string): string | undefined {
  if (args.length < UUID_STRING_LEN || !UUID.test(args.slice(0, UUID_STRING_LEN))) return "they must start with a UUID (8-4-4-4-12 hex digits)";
  const rest = args.slice(UUID_STRING_LEN);
  if (rest === "") return undefined;
  if (!rest.startsWith(" ")) return "the UUID must be followed by a space and KEY=value pairs";
  for (const pair of rest.slice(1).split(" ")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || !WORD.test(pair.slice(0, eq)) || !WORD.test(pair.slice(eq + 1))) {
      return `${JSON.stringify(pair)} is not KEY=value with one space before it and both of letters and digits`;
    }
  }
  return undefined;
}

/** kobject_synth_uevent's checks on one store's text: why it fails, or undefined. */
function synthUeventError(text: string): string | undefined {
  const line = chomp(text);
  const space = line.indexOf(" ");
  const action = space < 0 ? line : line.slice(0, space);
  if (!ACTIONS_MODERN.includes(action)) return `unknown uevent action string ${JSON.stringify(action)} (the actions: ${ACTIONS_MODERN.join(", ")})`;
  if (space < 0) return undefined;
  const why = badArguments(line.slice(space + 1));
  return why && `incorrect uevent action arguments: ${why}`;
}

/** uevent_store: the bytes written (kernfs_write). */
export function uevent_store(kernel: Kernel, dev: PlatformDevice, text: string, path: string): number {
  return kernfs_write(text, (piece) => {
    if (kernel.version === "v4.9") {
      if (!ACTIONS_4_9.includes(chomp(piece))) dev_err(dev, "uevent: unknown action-string");
      return;
    }
    const why = synthUeventError(piece);
    if (why === undefined) return;
    dev_err(dev, `uevent: failed to send synthetic uevent: -${EINVAL}`);
    throw new KernelError(EINVAL, `${path}: write error: ${why}`);
  });
}
