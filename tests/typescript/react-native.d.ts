// The two React Native components the seed's MemoryWidget uses; React Native itself is not a dependency.
declare module "react-native" {
  import type { ReactNode } from "react";
  export function View(props: { children?: ReactNode }): ReactNode;
  export function Text(props: { children?: ReactNode }): ReactNode;
}
