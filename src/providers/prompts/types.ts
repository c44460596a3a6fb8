// The system and user text of one stage call.
export interface StageMessages {
  system: string;
  user: string;
}
