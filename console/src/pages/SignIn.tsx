import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Content,
  Form,
  FormGroup,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, call } from '../api';
import type { Region } from '../jd';
import { errorText } from '../components/common';
import { navigate, useRoute } from '../router';
import { session, useSession } from '../session';

/**
 * Sign-in with an access key: the key is checked with a signed `GET /edcps/v1/whoami` and then
 * kept in this tab's sessionStorage only. A wrong secret answers 401, shown here.
 */
export function SignIn() {
  const { message } = useSession();
  const route = useRoute();
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (!accessKeyId.trim() || !secret) {
      setError('Enter both the access key ID and the secret access key.');
      return;
    }
    setBusy(true);
    try {
      const credentials = { accessKeyId: accessKeyId.trim(), secretAccessKey: secret };
      // The first page needs the region list: ask for it alongside the key check, and start the
      // session only when both are known (one round trip, no second fetch).
      const regions = call<{ regions: Region[] }>(
        credentials,
        'GET',
        '/v1/edgeRegions',
        { region: 'jdcloud' },
        true,
      );
      regions.catch(() => undefined);
      const whoami = await session.check(credentials);
      const list = await regions.catch(() => null);
      let region: string | undefined;
      if (list) {
        queryClient.setQueryData(['regions'], list);
        const current = session.get().region;
        region = list.regions.some((r) => r.region === current) ? current : list.regions[0]?.region;
      }
      session.establish(credentials, whoami, region);
      if (route === '/' || route === '/signin') navigate('/instances', true);
    } catch (err) {
      setBusy(false);
      setError(
        err instanceof ApiError && err.code === 401
          ? `Sign-in failed: ${err.message}. Check the access key ID and secret.`
          : `Sign-in failed: ${errorText(err)}`,
      );
    }
  };

  return (
    <div className="edcps-signin">
      <main className="edcps-signin__card">
        <Card>
          <CardTitle>
            <Title headingLevel="h1" size="2xl">
              edcps console
            </Title>
          </CardTitle>
          <CardBody>
            <Content component="p">
              Sign in with an access key. Requests are signed in this browser; the secret is kept only for
              this tab and forgotten when you sign out.
            </Content>
            {message && !error ? <Alert variant="info" isInline isPlain title={message} /> : null}
            {error ? <Alert variant="danger" isInline title={error} role="alert" /> : null}
            <Form onSubmit={submit} aria-label="Sign in">
              <FormGroup label="Access key ID" fieldId="access-key-id" isRequired>
                <TextInput
                  id="access-key-id"
                  name="accessKeyId"
                  value={accessKeyId}
                  onChange={(_e, v) => setAccessKeyId(v)}
                  autoComplete="username"
                  isRequired
                  validated={error ? 'error' : 'default'}
                />
              </FormGroup>
              <FormGroup label="Secret access key" fieldId="secret-access-key" isRequired>
                <TextInput
                  id="secret-access-key"
                  name="secretAccessKey"
                  type="password"
                  value={secret}
                  onChange={(_e, v) => setSecret(v)}
                  autoComplete="current-password"
                  isRequired
                  validated={error ? 'error' : 'default'}
                />
              </FormGroup>
              <ActionGroup>
                <Button type="submit" variant="primary" isBlock isLoading={busy} isDisabled={busy}>
                  Sign in
                </Button>
              </ActionGroup>
            </Form>
          </CardBody>
        </Card>
      </main>
    </div>
  );
}
