export interface BenchCatalog {
  file: string;
  regionId: string;
  azs: string[];
  deviceType: string;
  osTypeId: string;
  sysRaidTypeId: string;
  dataRaidTypeId: string;
}
export function writeBenchCatalog(root: string, dir: string, devicesPerAz: number): BenchCatalog;
export function instanceSpec(
  cat: BenchCatalog,
  subnet: { id: string; az: string },
  count: number,
  name: string,
): Record<string, unknown>;
