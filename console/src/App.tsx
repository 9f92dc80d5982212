import {
  Button,
  FormSelect,
  FormSelectOption,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavGroup,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ComponentType, type MouseEvent } from 'react';
import { ErrorAlert, Loading } from './components/common';
import { jd } from './jd';
// The first page after sign-in is part of the entry chunk: no lazy round trip on the critical path.
import Instances from './pages/Instances';
import { SignIn } from './pages/SignIn';
import { href, linkTo, navigate, useRoute } from './router';
import { isOperator, session, useSession } from './session';

const InstanceDetail = lazy(() => import('./pages/InstanceDetail'));
const CreateInstance = lazy(() => import('./pages/CreateInstance'));
const Networks = lazy(() => import('./pages/Networks'));
const ElasticIps = lazy(() => import('./pages/ElasticIps'));
const Keypairs = lazy(() => import('./pages/Keypairs'));
const Fleet = lazy(() => import('./pages/operator/Fleet'));
const DeviceTypes = lazy(() => import('./pages/operator/DeviceTypes'));
const Accounts = lazy(() => import('./pages/operator/Accounts'));
const Faults = lazy(() => import('./pages/operator/Faults'));
const TimeControl = lazy(() => import('./pages/operator/TimeControl'));
const Events = lazy(() => import('./pages/operator/Events'));
const AllInstances = lazy(() => import('./pages/operator/AllInstances'));

interface RouteDef {
  path: string;
  title: string;
  component: ComponentType<{ param: string }>;
  operator?: boolean;
  nav?: boolean;
}

const ROUTES: RouteDef[] = [
  { path: '/instances', title: 'Instances', component: Instances, nav: true },
  { path: '/instances/create', title: 'Create instance', component: CreateInstance },
  { path: '/instances/:id', title: 'Instance', component: InstanceDetail },
  { path: '/networks', title: 'VPCs and subnets', component: Networks, nav: true },
  { path: '/elastic-ips', title: 'Elastic IPs and bandwidth', component: ElasticIps, nav: true },
  { path: '/keypairs', title: 'Key pairs', component: Keypairs, nav: true },
  { path: '/operator/fleet', title: 'Fleet', component: Fleet, operator: true, nav: true },
  {
    path: '/operator/device-types',
    title: 'Device types',
    component: DeviceTypes,
    operator: true,
    nav: true,
  },
  { path: '/operator/instances', title: 'All instances', component: AllInstances, operator: true, nav: true },
  { path: '/operator/accounts', title: 'Accounts', component: Accounts, operator: true, nav: true },
  { path: '/operator/faults', title: 'Faults', component: Faults, operator: true, nav: true },
  { path: '/operator/time', title: 'Time', component: TimeControl, operator: true, nav: true },
  { path: '/operator/events', title: 'Events', component: Events, operator: true, nav: true },
];

function match(route: string, operator: boolean): { def: RouteDef; param: string } | null {
  const clean = route.replace(/\/+$/, '') || '/';
  for (const def of ROUTES) {
    if (def.operator && !operator) continue;
    if (def.path === clean) return { def, param: '' };
    const [prefix, last] = [def.path.slice(0, def.path.lastIndexOf('/')), def.path.split('/').pop()];
    if (last?.startsWith(':') && clean.startsWith(`${prefix}/`)) {
      const rest = clean.slice(prefix.length + 1);
      if (rest && !rest.includes('/')) return { def, param: decodeURIComponent(rest) };
    }
  }
  return null;
}

function RegionSwitcher() {
  const { region } = useSession();
  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const list = regions.data?.regions ?? [];
  useEffect(() => {
    if (list.length && !list.some((r) => r.region === region)) session.setRegion(list[0].region);
  }, [list, region]);
  return (
    <FormSelect
      className="edcps-region-select"
      id="region-switcher"
      aria-label="Region"
      value={region}
      onChange={(_e, v) => session.setRegion(v)}
      isDisabled={list.length === 0}
    >
      {list.length === 0 ? <FormSelectOption value="" label="Loading regions…" /> : null}
      {list.map((r) => (
        <FormSelectOption key={r.region} value={r.region} label={`${r.regionName} (${r.region})`} />
      ))}
    </FormSelect>
  );
}

function Shell() {
  const s = useSession();
  const route = useRoute();
  const operator = isOperator(s);
  const queryClient = useQueryClient();
  const found = match(route, operator);

  useEffect(() => {
    if (route === '/' || route === '/signin' || (!found && route.startsWith('/operator') && !operator))
      navigate('/instances', true);
  }, [route, found, operator]);
  useEffect(() => {
    document.title = `${found?.def.title ?? 'Not found'} · edcps console`;
  }, [found]);

  const signOut = () => {
    queryClient.clear();
    session.signOut('You have signed out.');
    navigate('/signin', true);
  };

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Navigation" />
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo href={href('/instances')} onClick={linkTo('/instances')} className="edcps-brand">
            edcps console
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }} alignItems="center">
              <ToolbarItem>
                <RegionSwitcher />
              </ToolbarItem>
              <ToolbarItem>
                <span aria-label="Signed in as">
                  {s.whoami?.name} ({s.whoami?.role})
                </span>
              </ToolbarItem>
              <ToolbarItem>
                <Button variant="secondary" onClick={signOut}>
                  Sign out
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );

  const navItem = (def: RouteDef) => (
    <NavItem
      key={def.path}
      to={href(def.path)}
      onClick={(e) => linkTo(def.path)(e as unknown as MouseEvent)}
      isActive={route === def.path || route.startsWith(`${def.path}/`)}
    >
      {def.title}
    </NavItem>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Main">
          <NavList>{ROUTES.filter((d) => d.nav && !d.operator).map(navItem)}</NavList>
          {operator ? (
            <NavGroup title="Operator">{ROUTES.filter((d) => d.nav && d.operator).map(navItem)}</NavGroup>
          ) : null}
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );

  const Component = found?.def.component;
  return (
    <Page
      masthead={masthead}
      sidebar={sidebar}
      isManagedSidebar
      skipToContent={<SkipToContent href="#main-content">Skip to content</SkipToContent>}
      mainContainerId="main-content"
    >
      {!s.region ? (
        <Loading label="Loading regions" />
      ) : Component ? (
        <Suspense fallback={<Loading />}>
          <Component key={`${s.region}:${found.param}`} param={found.param} />
        </Suspense>
      ) : (
        <ErrorAlert title="Page not found" error={new Error(`No page at ${href(route)}.`)} />
      )}
    </Page>
  );
}

export function App() {
  const s = useSession();
  return s.credentials ? <Shell /> : <SignIn />;
}
