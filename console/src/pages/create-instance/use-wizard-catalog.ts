import { useQuery } from '@tanstack/react-query';
import { jd } from '../../jd';
import type { Spec } from './spec';

/**
 * What the wizard offers, from the region's catalog: each list follows the choices made so far
 * (types per AZ, OS and RAID per type, subnets per AZ). Fetched by the page, not by the steps, so
 * every list is loading while the user is still on an earlier step.
 */
export function useWizardCatalog(region: string, s: Spec) {
  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const types = useQuery({
    queryKey: ['deviceTypes', region, s.az],
    queryFn: () => jd.deviceTypes(region, s.az || undefined),
    enabled: !!s.az,
  });
  const stock = useQuery({ queryKey: ['deviceStock', region], queryFn: () => jd.deviceStock(region) });
  const os = useQuery({
    queryKey: ['os', region, s.deviceType],
    queryFn: () => jd.os(region, s.deviceType),
    enabled: !!s.deviceType,
  });
  const raids = useQuery({
    queryKey: ['raids', region, s.deviceType],
    queryFn: () => jd.raids(region, s.deviceType),
    enabled: !!s.deviceType,
  });
  const subnets = useQuery({
    queryKey: ['subnets', region, 'az', s.az],
    queryFn: () => jd.subnets(region, { az: s.az, pageSize: 100 }),
    enabled: !!s.az,
  });
  const line = useQuery({ queryKey: ['lineType', region], queryFn: () => jd.lineType(region) });
  const packages = useQuery({
    queryKey: ['bandwidthPackages', region, 'all'],
    queryFn: () => jd.bandwidthPackages(region, { pageSize: 100 }),
  });
  const keypairs = useQuery({
    queryKey: ['keypairs', region, 'all'],
    queryFn: () => jd.keypairs(region, { pageSize: 100 }),
  });

  return {
    azs: regions.data?.regions.find((r) => r.region === region)?.azs ?? [],
    typesPending: types.isPending,
    types: types.data?.deviceTypes ?? [],
    stockOf: (t: string) => stock.data?.devicesStock.find((x) => x.deviceType === t)?.available,
    oss: os.data?.oss ?? [],
    sysRaids: raids.data?.raids.filter((r) => r.volumeType === 'system') ?? [],
    dataRaids: raids.data?.raids.filter((r) => r.volumeType === 'data') ?? [],
    subnets: subnets.data?.subnets ?? [],
    lineType: line.data?.lineType.lineType ?? '',
    packages: packages.data?.bandwidthPackages ?? [],
    keypairs: keypairs.data?.keypairs ?? [],
  };
}

export type WizardCatalog = ReturnType<typeof useWizardCatalog>;
