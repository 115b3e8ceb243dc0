export {
  type AnswerInit,
  type AnswerMediaInit,
  answerDirection,
  buildAnswer,
  buildOffer,
  hasCryptex,
  type MediaInit,
  type OfferInit,
  type TransportInit,
} from "./build.js";
export {
  type Candidate,
  type CandidateExtension,
  type CandidateType,
  parseCandidate,
  serializeCandidate,
  serializeCandidateValue,
  tryParseCandidate,
} from "./candidate.js";
export { SdpDecodeError } from "./errors.js";
export * from "./model.js";
export { parse } from "./parse.js";
export { serialize } from "./serialize.js";
export { type SdpIssue, validate } from "./validate.js";
