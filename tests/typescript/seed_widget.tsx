// The seed's v6r-mobile example, unchanged, plus its "Connect Frontend" line: both must compile.
import React from 'react';
import { View, Text } from 'react-native';
import { useMemoryMonitor } from '@flight/v6r-memory-types/react';

export function MemoryWidget({ sessionId }: { sessionId: string }) {
  const { snapshot, usagePercentage, pressureLevel } = useMemoryMonitor(sessionId);
  
  return (
    <View>
      <Text>Memory Usage: {usagePercentage.toFixed(1)}%</Text>
      <Text>Pressure: {pressureLevel}</Text>
      {snapshot && (
        <Text>{snapshot.used.humanReadable} / {snapshot.total.humanReadable}</Text>
      )}
    </View>
  );
}

export function ConnectFrontend() {
  const { snapshot } = useMemoryMonitor("session-123");
  return snapshot === null ? null : React.createElement("span", null, snapshot.timestamp.toString());
}
