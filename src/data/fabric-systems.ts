// GPUs whose boards connect through NVSwitch (or NVLink switch trays), so CUDA waits for the fabric
// manager to train the fabric before it gives out a device (cudaErrorSystemNotReady = 802 until then).
// From NVIDIA's Fabric Manager User Guide ("Supported platforms": HGX/DGX A100, A800, H100, H800, H20,
// H200, B200, B300, GB200/GB300 NVL). PCIe and NVL-bridge variants (A100 PCIe, H100 PCIe, H100/H200 NVL)
// need no fabric manager; a 4-GPU HGX A100 board links its GPUs directly and needs none either.

export interface FabricSystem {
  /** Matched against nvidia-smi's GPU name and GFD's nvidia.com/gpu.product (dashes for spaces). */
  product: RegExp;
  /** Fewest GPUs on a node for the board to have switches (8-GPU HGX); 1 for rack-scale NVL systems. */
  minGpus: number;
  title: string;
}

export const FABRIC_SYSTEMS: FabricSystem[] = [
  { product: /A100[- ]SXM4|A800[- ]SXM4/i, minGpus: 8, title: 'HGX/DGX A100 (NVSwitch gen 2)' },
  { product: /H100[- ](?:SXM|80GB[- ]HBM3)|H800(?![- ]PCIe)|H20(?![0-9])(?![- ]NVL)/i, minGpus: 8, title: 'HGX/DGX H100/H800/H20 (NVSwitch gen 3)' },
  { product: /H200(?![- ]NVL)/i, minGpus: 8, title: 'HGX/DGX H200 (NVSwitch gen 3)' },
  { product: /B200|B300/i, minGpus: 8, title: 'HGX/DGX B200/B300 (NVLink 5 switches; fabric manager with NVLSM)' },
  { product: /GB200|GB300/i, minGpus: 1, title: 'GB200/GB300 NVL (NVLink switch trays)' },
];

/** lspci names the switches themselves on A100/H100/H200 boards: "NVIDIA Corporation GH100 [H100 NVSwitch]". */
export const NVSWITCH_PCI = /NVSwitch/i;
