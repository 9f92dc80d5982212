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
