// Commands that change a node's NVIDIA driver setup.
import type { Node } from '../collection/kube.js';

/** The command that rebuilds the initramfs on the node's distribution (from the node's osImage). */
export function initramfsCommand(node: Node | undefined): string {
  const os = node?.status?.nodeInfo?.osImage ?? '';
  if (/red hat|rhel|centos|rocky|alma|fedora|oracle|amazon linux|suse/i.test(os)) return 'sudo dracut --force';
  return 'sudo update-initramfs -u';
}
