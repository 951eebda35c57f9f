import { connect, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Kafka, type ISocketFactory, type KafkaConfig } from 'kafkajs';

export interface TrackedKafka {
  kafka: Kafka;
  /** Ends the sockets still open once every client of `kafka` has disconnected; returns how many there were. */
  destroySockets(): number;
}

/**
 * A kafkajs client whose sockets are tracked. After a broker restart, kafkajs's consumer can keep one
 * connection open past disconnect() (tulios/kafkajs#1147 and relatives), which would keep a stopped stage
 * process alive forever; closing the bus ends such leftovers. Sockets are made as kafkajs's default factory
 * makes them (TCP keep-alive after 60 s, TLS with SNI when configured).
 */
export function createTrackedKafka(config: Omit<KafkaConfig, 'socketFactory'>): TrackedKafka {
  const sockets = new Set<Socket>();
  const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket: Socket = ssl ? connectTls({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}), ...ssl }, onConnect) : connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  return {
    kafka: new Kafka({ ...config, socketFactory }),
    destroySockets() {
      const open = sockets.size;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return open;
    },
  };
}
