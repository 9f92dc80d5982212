import { PageSection, Wizard, WizardStep } from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, clientToken } from '../api';
import { errorText, PageHeader } from '../components/common';
import { jd } from '../jd';
import { navigate } from '../router';
import { useSession } from '../session';
import { CreateFooter } from './create-instance/CreateFooter';
import { DetailsStep, LoginStep } from './create-instance/LoginAndChargeSteps';
import { InternetStep, NetworkStep } from './create-instance/NetworkSteps';
import { AzStep, DeviceTypeStep, OsStep, RaidStep } from './create-instance/PlacementSteps';
import { ReviewStep } from './create-instance/ReviewStep';
import { FIELD_STEP, specField, stepComplete, toInstanceSpec, type StepId } from './create-instance/spec';
import { useSpecForm } from './create-instance/spec-form';
import { useWizardCatalog } from './create-instance/use-wizard-catalog';

/**
 * The create wizard, driven by the region's catalog: AZ → type → OS → RAID → network → internet →
 * login → details. The steps stay listed here: PatternFly's Wizard reads its WizardStep children.
 */
export default function CreateInstance() {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const form = useSpecForm();
  const catalog = useWizardCatalog(region, form.s);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One token for the page: a repeated Create after a lost answer is the same request.
  const token = useMemo(() => clientToken(), []);

  const onCreate = async (): Promise<StepId | null> => {
    setBusy(true);
    setGeneral(null);
    form.setErrors({});
    try {
      const result = await jd.createInstances(region, toInstanceSpec(form.s, catalog.lineType), token);
      await queryClient.invalidateQueries({ queryKey: ['instances', region] });
      navigate(result.instanceIds.length === 1 ? `/instances/${result.instanceIds[0]}` : '/instances');
      return null;
    } catch (e) {
      setBusy(false);
      const field = e instanceof ApiError ? specField(e.field) : undefined;
      const step = field ? FIELD_STEP[field] : undefined;
      if (field && step) {
        form.setErrors({ [field]: errorText(e) });
        return step;
      }
      setGeneral(e);
      return 'review';
    }
  };

  const steps = { form, catalog };
  return (
    <>
      <PageHeader title="Create instance" />
      <PageSection>
        <Wizard
          className="edcps-wizard"
          navAriaLabel="Create instance steps"
          isVisitRequired
          onClose={() => navigate('/instances')}
          footer={<CreateFooter canNext={(id) => stepComplete(id, form.s)} busy={busy} onCreate={onCreate} />}
        >
          <WizardStep id="az" name="Availability zone">
            <AzStep {...steps} />
          </WizardStep>
          <WizardStep id="type" name="Device type">
            <DeviceTypeStep {...steps} />
          </WizardStep>
          <WizardStep id="os" name="Operating system">
            <OsStep {...steps} />
          </WizardStep>
          <WizardStep id="raid" name="RAID">
            <RaidStep {...steps} />
          </WizardStep>
          <WizardStep id="network" name="Network">
            <NetworkStep {...steps} />
          </WizardStep>
          <WizardStep id="internet" name="Internet">
            <InternetStep {...steps} />
          </WizardStep>
          <WizardStep id="login" name="Login">
            <LoginStep {...steps} />
          </WizardStep>
          <WizardStep id="details" name="Name and charge">
            <DetailsStep form={form} />
          </WizardStep>
          <WizardStep id="review" name="Review">
            <ReviewStep {...steps} region={region} general={general} />
          </WizardStep>
        </Wizard>
      </PageSection>
    </>
  );
}
