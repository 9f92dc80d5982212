import { WizardFooter, useWizardContext } from '@patternfly/react-core';
import type { StepId } from './spec';

/**
 * The wizard's footer: Next until the review, then Create. `onCreate` answers the step that owns
 * the field the API rejected (null when created), and the wizard goes back there.
 */
export function CreateFooter({
  canNext,
  busy,
  onCreate,
}: {
  canNext: (id: StepId) => boolean;
  busy: boolean;
  onCreate: () => Promise<StepId | null>;
}) {
  const { activeStep, goToNextStep, goToPrevStep, goToStepById, close } = useWizardContext();
  const id = activeStep.id as StepId;
  const last = id === 'review';
  return (
    <WizardFooter
      activeStep={activeStep}
      onNext={async () => {
        if (!last) return goToNextStep();
        const step = await onCreate();
        if (step && step !== 'review') goToStepById(step);
      }}
      onBack={goToPrevStep}
      onClose={close}
      nextButtonText={last ? 'Create' : 'Next'}
      isNextDisabled={busy || !canNext(id)}
      isBackDisabled={activeStep.index === 1}
      nextButtonProps={last ? { isLoading: busy } : undefined}
    />
  );
}
