/**
 * Redfish error responses (DSP0266 "Error responses"): a top-level GeneralError whose
 * @Message.ExtendedInfo carries the specific messages from the DMTF Base registry 1.8.
 */

const REGISTRY = 'Base.1.8';

// The Base.1.8 messages the simulator uses: [message template, severity, resolution].
const MESSAGES = {
  ActionParameterMissing: [
    'The action %1 requires the parameter %2 to be present in the request body.',
    'Critical',
    'Supply the action with the required parameter in the request body when the request is resubmitted.',
  ],
  ActionParameterUnknown: [
    'The action %1 was submitted with the invalid parameter %2.',
    'Warning',
    'Correct the invalid parameter and resubmit the request if the operation failed.',
  ],
  ActionParameterValueFormatError: [
    'The value %1 for the parameter %2 in the action %3 is of a different format than the parameter can accept.',
    'Warning',
    'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  ],
  ActionParameterValueTypeError: [
    'The value %1 for the parameter %2 in the action %3 is of a different type than the parameter can accept.',
    'Warning',
    'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  ],
  CreateFailedMissingReqProperties: [
    'The create operation failed because the required property %1 was missing from the request.',
    'Critical',
    'Correct the body to include the required property with a valid value and resubmit the request if the operation failed.',
  ],
  EmptyJSON: [
    'The request body submitted contained an empty JSON object and the service is unable to process it.',
    'Warning',
    'Add properties in the JSON object and resubmit the request.',
  ],
  GeneralError: [
    'A general error has occurred. See Resolution for information on how to resolve the error.',
    'Critical',
    'None.',
  ],
  InternalError: [
    'The request failed due to an internal service error.  The service is still operational.',
    'Critical',
    'Resubmit the request.  If the problem persists, consider resetting the service.',
  ],
  MalformedJSON: [
    'The request body submitted was malformed JSON and could not be parsed by the receiving service.',
    'Critical',
    'Ensure that the request body is valid JSON and resubmit the request.',
  ],
  NoValidSession: [
    'There is no valid session established with the implementation.',
    'Critical',
    'Establish a session before attempting any operations.',
  ],
  PreconditionFailed: [
    'The ETag supplied did not match the ETag required to change this resource.',
    'Critical',
    'Try the operation again using the appropriate ETag.',
  ],
  PreconditionRequired: [
    'A precondition header or annotation is required to change this resource.',
    'Critical',
    'Try the operation again using an If-Match or If-None-Match header and appropriate ETag.',
  ],
  PropertyNotWritable: [
    'The property %1 is a read only property and cannot be assigned a value.',
    'Warning',
    'Remove the property from the request body and resubmit the request if the operation failed.',
  ],
  PropertyUnknown: [
    'The property %1 is not in the list of valid properties for the resource.',
    'Warning',
    'Remove the unknown property from the request body and resubmit the request if the operation failed.',
  ],
  PropertyValueConflict: [
    "The property '%1' could not be written because its value would conflict with the value of the '%2' property.",
    'Warning',
    'No resolution is required.',
  ],
  PropertyValueNotInList: [
    'The value %1 for the property %2 is not in the list of acceptable values.',
    'Warning',
    'Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.',
  ],
  PropertyValueTypeError: [
    'The value %1 for the property %2 is of a different type than the property can accept.',
    'Warning',
    'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  ],
  QueryNotSupported: [
    'Querying is not supported by the implementation.',
    'Warning',
    'Remove the query parameters and resubmit the request if the operation failed.',
  ],
  ResourceInUse: [
    'The change to the requested resource failed because the resource is in use or in transition.',
    'Warning',
    'Remove the condition and resubmit the request if the operation failed.',
  ],
  ResourceInStandby: [
    'The request could not be performed because the resource is in standby.',
    'Critical',
    'Ensure that the resource is in the correct power state and resubmit the request.',
  ],
  ResourceNotFound: [
    'The requested resource of type %1 named %2 was not found.',
    'Critical',
    'Provide a valid resource identifier and resubmit the request.',
  ],
  Success: ['Successfully Completed Request', 'OK', 'None'],
} satisfies Record<string, [string, 'OK' | 'Warning' | 'Critical', string]>;

export type MessageName = keyof typeof MESSAGES;

export interface RedfishMessage {
  '@odata.type': string;
  MessageId: string;
  Message: string;
  MessageArgs: string[];
  Severity: string;
  MessageSeverity: string;
  Resolution: string;
  RelatedProperties?: string[];
}

/**
 * A Message object (Message.v1_1) for the named Base registry message; args fill %1, %2, ...
 * resolution replaces the registry's, as GeneralError expects.
 */
export function message(
  name: MessageName,
  args: string[] = [],
  related?: string[],
  resolution?: string,
): RedfishMessage {
  const [template, severity, registryResolution] = MESSAGES[name];
  return {
    '@odata.type': '#Message.v1_1_1.Message',
    MessageId: `${REGISTRY}.${name}`,
    Message: template.replace(/%(\d+)/g, (_m, n: string) => args[Number(n) - 1] ?? ''),
    MessageArgs: args,
    // Severity is deprecated in favour of MessageSeverity; older clients still read it.
    Severity: severity,
    MessageSeverity: severity,
    Resolution: resolution ?? registryResolution,
    ...(related ? { RelatedProperties: related } : {}),
  };
}

/** Thrown by handlers; the server renders it as the Redfish error body with `status`. */
export class RedfishError extends Error {
  constructor(
    readonly status: number,
    readonly messages: RedfishMessage[],
    readonly headers: Record<string, string> = {},
  ) {
    super(messages.map((m) => m.Message).join(' '));
  }
}

/** Shorthand for a RedfishError carrying one Base registry message. */
export function fail(
  status: number,
  name: MessageName,
  args: string[] = [],
  related?: string[],
): RedfishError {
  return new RedfishError(status, [message(name, args, related)]);
}

/** The body of an error response. */
export function errorBody(messages: RedfishMessage[]): object {
  return {
    error: {
      code: `${REGISTRY}.GeneralError`,
      message: messages[0]?.Message ?? MESSAGES.GeneralError[0],
      '@Message.ExtendedInfo': messages,
    },
  };
}
