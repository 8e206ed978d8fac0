// Which operating system the node runs, from /etc/os-release, and whether gpuctl knows its commands.

export type OsFamily = 'debian' | 'rhel' | 'unsupported';

export interface OsInfo {
  id: string;
  idLike: string[];
  versionId: string;
  prettyName: string;
  family: OsFamily;
  /** Ubuntu has ubuntu-drivers and nvidia-driver-NNN packages; Debian one nvidia-driver package. */
  ubuntu: boolean;
  /** RHEL major version (8, 9) for NVIDIA's CUDA repository path. */
  rhelMajor?: number;
}

/** os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2]!.trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    }
    out[m[1]!] = value;
  }
  return out;
}

const RHEL_IDS = ['rhel', 'rocky', 'almalinux', 'centos', 'ol'];

export function osInfo(text: string | undefined): OsInfo {
  const fields = parseOsRelease(text ?? '');
  const id = (fields.ID ?? '').toLowerCase();
  const idLike = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const versionId = fields.VERSION_ID ?? '';
  const prettyName = fields.PRETTY_NAME ?? (id ? `${id} ${versionId}`.trim() : 'unknown (no /etc/os-release)');
  const ubuntu = id === 'ubuntu' || idLike.includes('ubuntu');
  const isDebian = id === 'debian' || ubuntu || idLike.includes('debian');
  const major = Number.parseInt(versionId, 10);
  const isRhel = (RHEL_IDS.includes(id) || idLike.includes('rhel')) && (major === 8 || major === 9);
  return {
    id,
    idLike,
    versionId,
    prettyName,
    family: isDebian ? 'debian' : isRhel ? 'rhel' : 'unsupported',
    ubuntu,
    ...(isRhel ? { rhelMajor: major } : {}),
  };
}

/** What a person does by hand where gpuctl does not know the commands (NVIDIA's install guides). */
export const MANUAL_HOST_STEPS = [
  '# 1. the NVIDIA driver: your distribution\'s packages, or https://www.nvidia.com/download/index.aspx',
  'nvidia-smi                      # must list the GPU',
  '# 2. the NVIDIA Container Toolkit: https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html',
  'nvidia-ctk runtime configure --runtime=containerd && systemctl restart containerd',
  '# 3. then the cluster phase from any machine with helm and kubectl:',
  'gpuctl install --cluster',
];
